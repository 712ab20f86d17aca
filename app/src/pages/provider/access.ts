/** The activation form: connection details a provider seals to the buyer. */
import type { AccessDetails } from "@gridlease/sdk";

export interface AccessForm {
  host: string;
  port: string;
  user: string;
  secret: string;
}

/** The access form before anything is typed (SSH's port filled in). */
export const EMPTY_ACCESS: AccessForm = { host: "", port: "22", user: "", secret: "" };

const HOST =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const IPV6 = /^\[?[0-9a-fA-F:]+\]?$/;

/** Checks the fields and builds the details: a private key block goes as `key`, anything else as `token`. */
export function validateAccessForm(f: AccessForm): {
  errors: Partial<Record<keyof AccessForm, string>>;
  details?: AccessDetails;
} {
  const errors: Partial<Record<keyof AccessForm, string>> = {};
  const host = f.host.trim();
  if (host === "") errors.host = "Enter the host name or IP address.";
  else if (!HOST.test(host) && !(host.includes(":") && IPV6.test(host)))
    errors.host = "Enter a host name (gpu1.example.com) or an IP address.";
  const port = f.port.trim();
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    errors.port = "Enter a port from 1 to 65535.";
  const user = f.user.trim();
  if (user === "") errors.user = "Enter the login user.";
  else if (/\s/.test(user) || user.length > 64)
    errors.user = "A user name has no spaces and at most 64 characters.";
  const secret = f.secret.trim();
  if (secret === "") errors.secret = "Enter an SSH private key or an access token.";
  else if (secret.length > 3500)
    errors.secret = "Too long to fit on-chain (at most about 3,500 characters).";
  if (Object.keys(errors).length > 0) return { errors };
  const isKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(secret);
  return {
    errors,
    details: {
      host,
      port: Number(port),
      user,
      ...(isKey ? { key: secret + "\n" } : { token: secret }),
    },
  };
}
