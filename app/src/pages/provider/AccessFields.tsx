import { Field } from "../../components/Field.tsx";
import type { AccessForm } from "./access.ts";

/** The connection-detail inputs a provider seals to the buyer: on activation and with a resolved outage. */
export function AccessFields({
  form,
  errors,
  onChange,
}: {
  form: AccessForm;
  /** Errors to show now (empty until the form was submitted once). */
  errors: Partial<Record<keyof AccessForm, string>>;
  onChange: (form: AccessForm) => void;
}) {
  return (
    <>
      <div className="form-grid">
        <Field label="Host" error={errors.host}>
          {(p) => (
            <input
              {...p}
              autoComplete="off"
              value={form.host}
              onChange={(e) => onChange({ ...form, host: e.target.value })}
            />
          )}
        </Field>
        <Field label="Port" error={errors.port}>
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={form.port}
              onChange={(e) => onChange({ ...form, port: e.target.value })}
            />
          )}
        </Field>
        <Field label="User" error={errors.user}>
          {(p) => (
            <input
              {...p}
              autoComplete="off"
              value={form.user}
              onChange={(e) => onChange({ ...form, user: e.target.value })}
            />
          )}
        </Field>
      </div>
      <Field
        label="SSH key or token"
        error={errors.secret}
        hint="A private key (-----BEGIN …) is sent as a key; anything else as a token."
      >
        {(p) => (
          <textarea
            {...p}
            rows={3}
            className="mono"
            spellCheck={false}
            value={form.secret}
            onChange={(e) => onChange({ ...form, secret: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}
