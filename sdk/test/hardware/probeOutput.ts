/** Builds probe-script stdout (the markers of sdk/src/hardware/probe.ts) from fixture files, for the unit tests. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ProbeSection } from "../../src/hardware/index.ts";

/** The CLI's hardware fixtures: `<name>.xml` (nvidia-smi -q -x) and `<name>.topo.txt` (nvidia-smi topo -m). */
export const HARDWARE_FIXTURES = fileURLToPath(
  new URL("../../../cli/test/fixtures/hardware/", import.meta.url),
);

export const fixture = (file: string) => readFileSync(`${HARDWARE_FIXTURES}${file}`, "utf8");

export const CPUINFO = [0, 1, 2, 3]
  .map(
    (i) =>
      `processor\t: ${i}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nphysical id\t: ${i < 2 ? 0 : 1}\ncpu cores\t: 2\n`,
  )
  .join("\n");
export const MEMINFO = "MemTotal:       2113407892 kB\nMemFree:        2000000000 kB\n";
export const LSBLK = JSON.stringify({
  blockdevices: [
    {
      name: "nvme1n1",
      size: 3840755982336,
      model: "SAMSUNG MZQL23T8HCLS-00A07",
      serial: "S64HNE0T500002",
      type: "disk",
    },
    {
      name: "nvme0n1",
      size: 3840755982336,
      model: "SAMSUNG MZQL23T8HCLS-00A07",
      serial: "S64HNE0T500001",
      type: "disk",
    },
    { name: "loop0", size: 1000, model: null, serial: null, type: "loop" },
  ],
});
export const IP_LINK = JSON.stringify([
  { ifindex: 1, ifname: "lo", mtu: 65536, link_type: "loopback", address: "00:00:00:00:00:00" },
  {
    ifindex: 3,
    ifname: "ibp26s0",
    mtu: 4092,
    link_type: "infiniband",
    address: "00:00:10:29:fe:80",
  },
  { ifindex: 2, ifname: "eno1", mtu: 1500, link_type: "ether", address: "3c:ec:ef:aa:bb:cc" },
]);

/** Probe stdout for a fixture server, with sections replaced or dropped as a test needs. */
export function probeOutput(
  server: string,
  override: Partial<Record<ProbeSection, { output: string; exitCode?: number } | null>> = {},
): string {
  const sections: Record<ProbeSection, { output: string; exitCode?: number } | null> = {
    "nvidia-smi-xml": { output: fixture(`${server}.xml`) },
    "nvidia-smi-topo": { output: fixture(`${server}.topo.txt`) },
    cpuinfo: { output: CPUINFO },
    meminfo: { output: MEMINFO },
    lsblk: { output: LSBLK },
    "ip-link": { output: IP_LINK },
    ...override,
  };
  return Object.entries(sections)
    .filter(([, s]) => s !== null)
    .map(
      ([name, s]) =>
        `@@gridlease-probe:${name}:begin\n${s!.output}\n@@gridlease-probe:${name}:end:${s!.exitCode ?? 0}\n`,
    )
    .join("");
}
