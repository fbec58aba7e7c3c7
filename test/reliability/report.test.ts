// The suite's figures go to a file, not into `npm test`'s output.
import { readFileSync } from "node:fs";
import { afterEach, expect, it, vi } from "vitest";
import { FIGURES_FILE, report } from "./helpers/report.js";

afterEach(() => vi.unstubAllEnvs());

it("report() appends the figure line to test-results/reliability-figures.txt and prints nothing by default", () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    vi.stubEnv("RELIABILITY_FIGURES", "");
    report("report test", { answer: 42, id: "a1" });
    expect(log).not.toHaveBeenCalled();
    expect(readFileSync(FIGURES_FILE, "utf8")).toMatch(/Z \[reliability\] report test: answer=42 id=a1\n/);
    vi.stubEnv("RELIABILITY_FIGURES", "1");
    report("report test", { printed: true });
    expect(log).toHaveBeenCalledExactlyOnceWith("[reliability] report test: printed=true");
  } finally {
    log.mockRestore();
  }
});
