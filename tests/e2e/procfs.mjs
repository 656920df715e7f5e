// What /proc says about the app's processes: which one runs a binary for a HOME, when it
// started, and how much memory it and the processes it started (WebKit's) use. Shared by the
// scale tests and the start-up benchmark (benches/startup.mjs).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync, realpathSync } from "node:fs";

const pids = () => readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number);
/** The fields of /proc/PID/stat after the command name (field 3 onwards). */
const stat = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  return s.slice(s.lastIndexOf(")") + 2).split(" ");
};

/** The process running `binary` with HOME=`home`, or null. */
export function appPid(binary, home) {
  const real = realpathSync(binary);
  for (const pid of pids()) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== real) continue;
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) return pid;
    } catch { /* gone, or not ours */ }
  }
  return null;
}

/** When a process started, in milliseconds since the epoch (from /proc, 10 ms steps). */
export function startedAt(pid) {
  const boot = Number(/btime (\d+)/.exec(readFileSync("/proc/stat", "utf8"))[1]);
  const hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return boot * 1000 + (Number(stat(pid)[19]) * 1000) / hz;
}

/** PSS of a process and every process it started, in MiB, and how many processes. */
export function pssTree(root) {
  const children = new Map();
  for (const p of pids()) {
    try {
      const ppid = Number(stat(p)[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(p);
    } catch { /* gone */ }
  }
  let kib = 0;
  let processes = 0;
  const visit = (p) => {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      if (m) { kib += Number(m[1]); processes++; }
    } catch { /* gone */ }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(root);
  return { mib: kib / 1024, processes };
}

/** Every process whose environment has HOME=`home`. */
export function processesOf(home) {
  return pids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`HOME=${home}`);
    } catch { return false; }
  });
}
