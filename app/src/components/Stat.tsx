import type { ReactNode } from "react";

/** A labelled figure in a row of cards ("Bond: 5,000 GRID"). */
export function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{children}</div>
    </div>
  );
}
