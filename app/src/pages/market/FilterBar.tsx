import { useEffect, useState } from "react";
import { gpuModelLabel, regionLabel, type TokenDisplay } from "@gridlease/sdk";
import { hasFilters, SORTS, type Filters } from "./filters.ts";

/** The market's filters and sort order; every change goes to the query string through `onChange`. */
export function FilterBar({
  filters,
  models,
  regions,
  fabrics,
  tokenIds,
  tokens,
  onChange,
}: {
  filters: Filters;
  models: readonly string[];
  regions: readonly string[];
  fabrics: readonly string[];
  tokenIds: readonly string[];
  tokens: Record<string, TokenDisplay | undefined>;
  onChange: (patch: Partial<Record<keyof Filters, string | undefined>>) => void;
}) {
  const filtered = hasFilters(filters);
  return (
    <form
      className="toolbar market-filters"
      aria-label="Filter offers"
      onSubmit={(e) => e.preventDefault()}
    >
      <div className="field">
        <label htmlFor="f-gpu">GPU model</label>
        <select
          id="f-gpu"
          value={filters.gpu ?? ""}
          onChange={(e) => onChange({ gpu: e.target.value })}
        >
          <option value="">Any GPU</option>
          {models.map((m) => (
            <option key={m} value={m}>
              {gpuModelLabel(m)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-region">Region</label>
        <select
          id="f-region"
          value={filters.region ?? ""}
          onChange={(e) => onChange({ region: e.target.value })}
        >
          <option value="">Any region</option>
          {regions.map((r) => (
            <option key={r} value={r}>
              {regionLabel(r)}
            </option>
          ))}
        </select>
      </div>
      <div className="field narrow">
        <label htmlFor="f-min-gpus">Min GPUs</label>
        <DraftInput
          id="f-min-gpus"
          inputMode="numeric"
          describedBy="f-min-gpus-hint"
          value={filters.minGpus?.toString()}
          accept={(v) => /^\d*$/.test(v)}
          onCommit={(v) => onChange({ minGpus: v })}
        />
        <small id="f-min-gpus-hint" className="hint small">
          Free on the offer
        </small>
      </div>
      <div className="field narrow">
        <label htmlFor="f-max-price">Max price per GPU-hour</label>
        <DraftInput
          id="f-max-price"
          inputMode="decimal"
          describedBy="f-max-price-hint"
          value={filters.maxPrice}
          accept={(v) => /^\d+(\.\d+)?$/.test(v)}
          onCommit={(v) => onChange({ maxPrice: v })}
        />
        <small id="f-max-price-hint" className="hint small">
          In the offer's token, e.g. 2.5
        </small>
      </div>
      <div className="field">
        <label htmlFor="f-token">Payment token</label>
        <select
          id="f-token"
          value={filters.token ?? ""}
          onChange={(e) => onChange({ token: e.target.value })}
        >
          <option value="">Any token</option>
          {tokenIds.map((t) => (
            <option key={t} value={t}>
              {tokens[t]?.symbol ?? `${t.slice(0, 8)}…`}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-fabric">Interconnect</label>
        <select
          id="f-fabric"
          value={filters.fabric ?? ""}
          onChange={(e) => onChange({ fabric: e.target.value })}
        >
          <option value="">Any interconnect</option>
          {fabrics.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-sort">Sort by</label>
        <select
          id="f-sort"
          value={filters.sort}
          onChange={(e) => onChange({ sort: e.target.value })}
        >
          {Object.entries(SORTS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {filtered && (
        <button
          type="button"
          className="button secondary"
          onClick={() =>
            onChange({
              gpu: undefined,
              region: undefined,
              minGpus: undefined,
              maxPrice: undefined,
              token: undefined,
              fabric: undefined,
            })
          }
        >
          Clear filters
        </button>
      )}
    </form>
  );
}

/**
 * A text input bound to a query-string value: typing updates the URL whenever the text is valid (or empty), and a
 * change of the URL from elsewhere (Clear filters, back button) updates the text.
 */
function DraftInput(props: {
  id: string;
  inputMode: "numeric" | "decimal";
  describedBy: string;
  value: string | undefined;
  accept: (v: string) => boolean;
  onCommit: (v: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(props.value ?? "");
  useEffect(() => {
    setDraft((d) => (d.trim() === (props.value ?? "") ? d : (props.value ?? "")));
  }, [props.value]);
  return (
    <input
      id={props.id}
      type="text"
      inputMode={props.inputMode}
      placeholder="Any"
      autoComplete="off"
      aria-describedby={props.describedBy}
      value={draft}
      onChange={(e) => {
        setDraft(e.target.value);
        const v = e.target.value.trim();
        if (v === "") props.onCommit(undefined);
        else if (props.accept(v)) props.onCommit(v);
      }}
    />
  );
}
