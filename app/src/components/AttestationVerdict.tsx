import type { DescribedVerdict } from "../lib/attestation.ts";
import { VerdictChecks } from "./VerdictChecks.tsx";

const FIRMWARE_WORDS = {
  match: "matches the RIM",
  mismatch: "differs from the RIM",
  "not-in-rim": "not in the RIMs",
  "not-checked": "not compared",
} as const;

/**
 * A verdict in full: the headline, what was checked, every failure by name, the measurements by index and the
 * verdict itself as JSON (what the SDK returned, for a bug report or a comparison with the CLI).
 */
export function AttestationVerdict({
  described,
  nonceSource,
  title,
}: {
  described: DescribedVerdict;
  nonceSource: string;
  title?: string;
}) {
  const { verdict: v, headline } = described;
  return (
    <section
      className={`card verdict ${v.genuine ? "verdict-genuine" : "verdict-not-genuine"}`}
      aria-label={title ?? "Verdict"}
    >
      {title && <h3>{title}</h3>}
      <p className="verdict-headline" role="status">
        <strong>{headline}</strong>
      </p>
      <VerdictChecks verdict={v} nonceSource={nonceSource} />
      {v.failures.length > 0 && (
        <>
          <h4>Why it failed</h4>
          <ul className="verdict-failures">
            {v.failures.map((f, i) => (
              <li key={`${f.code}-${i}`}>
                {f.message} <span className="mono small muted">({f.code})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {v.measurements.length > 0 && (
        <details>
          <summary>
            {v.measurements.length} measurement{v.measurements.length === 1 ? "" : "s"}
            {v.spdm ? ` (SPDM ${v.spdm.version})` : ""}
          </summary>
          <div className="table-scroll" role="region" aria-label="Measurements" tabIndex={0}>
            <table className="measurements">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Index
                  </th>
                  <th scope="col">Value</th>
                  <th scope="col">Firmware</th>
                </tr>
              </thead>
              <tbody>
                {v.measurements.map((m) => (
                  <tr key={m.index}>
                    <td className="num">{m.index}</td>
                    <td className="mono small" title={m.value}>
                      {m.value.length > 26
                        ? `${m.value.slice(0, 18)}…${m.value.slice(-6)}`
                        : m.value}
                    </td>
                    <td className={m.firmware === "mismatch" ? "error" : undefined}>
                      {FIRMWARE_WORDS[m.firmware]}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
      <details>
        <summary>The verdict as JSON</summary>
        <pre className="verdict-json small" data-testid="verdict-json">
          {JSON.stringify(v, null, 2)}
        </pre>
      </details>
    </section>
  );
}
