import { useEffect, useState } from "react";
import { gpuModelLabel, regionLabel, type TokenDisplay } from "@gridlease/sdk";
import { SelectFilter } from "../../components/SelectFilter.tsx";
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
      <SelectFilter
        id="f-gpu"
        label="GPU model"
        value={filters.gpu}
        anyLabel="Any GPU"
        choices={models.map((m) => [m, gpuModelLabel(m)])}
        onChange={(gpu) => onChange({ gpu })}
      />
      <SelectFilter
        id="f-region"
        label="Region"
        value={filters.region}
        anyLabel="Any region"
        choices={regions.map((r) => [r, regionLabel(r)])}
        onChange={(region) => onChange({ region })}
      />
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
      <SelectFilter
        id="f-token"
        label="Payment token"
        value={filters.token}
        anyLabel="Any token"
        choices={tokenIds.map((t) => [t, tokens[t]?.symbol ?? `${t.slice(0, 8)}…`])}
        onChange={(token) => onChange({ token })}
      />
      <SelectFilter
        id="f-fabric"
        label="Interconnect"
        value={filters.fabric}
        anyLabel="Any interconnect"
        choices={fabrics.map((f) => [f, f])}
        onChange={(fabric) => onChange({ fabric })}
      />
      <div className="field narrow">
        <label htmlFor="f-min-score">Min provider score</label>
        <DraftInput
          id="f-min-score"
          inputMode="decimal"
          describedBy="f-min-score-hint"
          value={filters.minScore?.toString()}
          accept={(v) => /^\d{1,3}(\.\d+)?$/.test(v) && Number(v) <= 100}
          onCommit={(v) => onChange({ minScore: v })}
        />
        <small id="f-min-score-hint" className="hint small">
          0 to 100
        </small>
      </div>
      <div className="field narrow checkbox-field">
        <label>
          <input
            type="checkbox"
            checked={!!filters.audited}
            onChange={(e) => onChange({ audited: e.target.checked ? "1" : undefined })}
          />{" "}
          Audited by a trusted auditor
        </label>
      </div>
      <SelectFilter
        id="f-sort"
        label="Sort by"
        value={filters.sort}
        choices={Object.entries(SORTS)}
        onChange={(sort) => onChange({ sort })}
      />
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
              minScore: undefined,
              audited: undefined,
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
