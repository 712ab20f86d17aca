/** One choice of a `SelectFilter`: its value in the query string and what people read. */
export type FilterChoice = readonly [value: string, label: string];

/**
 * A labelled select of a list's filter bar (market, lease table): an optional "any" choice with the empty value,
 * then one option per choice. Every change goes to `onChange` with the chosen value.
 */
export function SelectFilter({
  id,
  label,
  value,
  anyLabel,
  choices,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  /** The label of the empty value ("Any region"); omit for a select that always has a value (sort order). */
  anyLabel?: string;
  choices: readonly FilterChoice[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {choices.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
