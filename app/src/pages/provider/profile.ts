/** Validation of the provider profile form (public metadata). */
export interface ProfileForm {
  name: string;
  website: string;
  contact: string;
}

/** An http(s) URL with a dotted host name. */
function isWebAddress(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === "https:" || u.protocol === "http:") && u.hostname.includes(".");
  } catch {
    return false;
  }
}

/** Per-field errors of the profile form; empty when it can be sent. */
export function validateProfile(f: ProfileForm): Partial<Record<keyof ProfileForm, string>> {
  const errors: Partial<Record<keyof ProfileForm, string>> = {};
  const name = f.name.trim();
  if (name === "") errors.name = "Enter the name buyers will see.";
  else if (name.length > 80) errors.name = "At most 80 characters.";
  const website = f.website.trim();
  if (website !== "") {
    if (!isWebAddress(website))
      errors.website = "Enter a full web address, e.g. https://example.com.";
    else if (website.length > 200) errors.website = "At most 200 characters.";
  }
  if (f.contact.trim().length > 120) errors.contact = "At most 120 characters.";
  return errors;
}
