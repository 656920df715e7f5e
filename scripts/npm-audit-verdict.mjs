// Reads `npm audit --json` on stdin. Exits 1 when it lists a high or critical vulnerability,
// 0 otherwise; says so in capitals when npm could not reach its advisory endpoint (npm exits
// non-zero in both cases, so its exit code alone cannot tell them apart).
let input = "";
process.stdin.on("data", (d) => (input += d)).on("end", () => {
  let report;
  try { report = JSON.parse(input); } catch { report = { error: { summary: "no answer" } }; }
  const counts = report.metadata && report.metadata.vulnerabilities;
  if (!counts) {
    const why = (report.error && report.error.summary) || report.message || "unknown";
    console.log(`NPM AUDIT NOT RUN: the npm advisory endpoint did not answer (${String(why).split("\n")[0]}).`);
    return;
  }
  const serious = (counts.high || 0) + (counts.critical || 0);
  console.log(`npm audit: ${counts.total || 0} known vulnerabilities, ${serious} high or critical.`);
  if (serious > 0) {
    for (const [name, v] of Object.entries(report.vulnerabilities || {})) {
      if (v.severity === "high" || v.severity === "critical") console.log(`  ${name}: ${v.severity}`);
    }
    process.exitCode = 1;
  }
});
