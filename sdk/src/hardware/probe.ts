/**
 * The probe: one POSIX shell script, run on the machine (locally by `offer create --detect` and the ssh-account
 * hook, over SSH by `lease verify`), that prints each command's output between markers. Keeping the commands in
 * one script means the provider's seal and the buyer's check read exactly the same things.
 */
import { HardwareReportError } from "./errors.ts";

/** What each section of the probe runs (GRIDLEASE_NVIDIA_SMI, when set on the machine, names another nvidia-smi). */
export const PROBE_COMMANDS = {
  "nvidia-smi-xml": '"${GRIDLEASE_NVIDIA_SMI:-nvidia-smi}" -q -x',
  "nvidia-smi-topo": '"${GRIDLEASE_NVIDIA_SMI:-nvidia-smi}" topo -m',
  cpuinfo: "cat /proc/cpuinfo",
  meminfo: "cat /proc/meminfo",
  lsblk: "lsblk -J -b -d -o NAME,SIZE,MODEL,SERIAL,TYPE",
  "ip-link": "ip -j link",
} as const;

/** A section name of the probe's output. */
export type ProbeSection = keyof typeof PROBE_COMMANDS;

const MARK = "@@gridlease-probe";

function probeScript(): string {
  return Object.entries(PROBE_COMMANDS)
    .map(
      ([name, command]) =>
        `echo '${MARK}:${name}:begin'; ${command} 2>&1 </dev/null; s=$?; echo; echo "${MARK}:${name}:end:$s"`,
    )
    .join("\n");
}

/** The shell script that prints every section (stdin closed, stderr folded into the section). */
export const PROBE_SCRIPT = /* @__PURE__ */ probeScript();

/** One section's output and its command's exit status. */
export interface SectionOutput {
  output: string;
  exitCode: number;
}

/** Splits the probe script's stdout into its sections; a section that is absent or cut short is left out. */
export function splitProbeOutput(stdout: string): Partial<Record<ProbeSection, SectionOutput>> {
  const sections: Partial<Record<ProbeSection, SectionOutput>> = {};
  const pattern = new RegExp(
    `^${MARK}:([a-z-]+):begin\\n([\\s\\S]*?)\\n\\n?${MARK}:\\1:end:(\\d+)$`,
    "gm",
  );
  for (const m of stdout.matchAll(pattern)) {
    if (m[1] in PROBE_COMMANDS)
      sections[m[1] as ProbeSection] = { output: m[2], exitCode: Number(m[3]) };
  }
  return sections;
}

/** A section's command as people know it ("nvidia-smi -q -x"). */
const shown = (name: ProbeSection) =>
  PROBE_COMMANDS[name].replace('"${GRIDLEASE_NVIDIA_SMI:-nvidia-smi}"', "nvidia-smi");

/** The output of a section that must have run and succeeded. */
export function requireSection(
  sections: Partial<Record<ProbeSection, SectionOutput>>,
  name: ProbeSection,
): string {
  const s = sections[name];
  if (!s)
    throw new HardwareReportError(
      "missing-section",
      `the probe printed nothing for \`${shown(name)}\` (cut short or not run)`,
    );
  if (s.exitCode !== 0)
    throw new HardwareReportError(
      "missing-section",
      `\`${shown(name)}\` failed with exit code ${s.exitCode}: ${s.output.trim().split("\n").slice(-3).join(" ")}`,
    );
  return s.output;
}
