import { verdictChecks, type DescribedVerdict, type VerdictCheck } from "../lib/attestation.ts";

const STATE_WORDS: Record<VerdictCheck["state"], string> = {
  passed: "Passed",
  failed: "Failed",
  "not-checked": "Not checked",
};

/** What a verdict checked, one line per check, each passed, failed or not checked. */
export function VerdictChecks({
  verdict,
  nonceSource,
}: {
  verdict: DescribedVerdict["verdict"];
  nonceSource: string;
}) {
  return (
    <ul className="verdict-checks">
      {verdictChecks(verdict, nonceSource).map((c) => (
        <li key={c.what} className={`check-${c.state}`}>
          <strong>{c.what}</strong>: <span className="check-state">{STATE_WORDS[c.state]}</span>.{" "}
          {c.detail}
        </li>
      ))}
    </ul>
  );
}
