// The Python contenders are skipped, with the reason, when no interpreter
// can import grpcio and PyJWT: the bench reports that instead of failing.
import { describe, expect, it } from "vitest";
import { probePython, pythonCandidates } from "../../bench/contenders/python-grpc.js";

describe("probePython", () => {
  it("names every interpreter tried, why it failed and how to install the packages", () => {
    const probe = probePython(["/nonexistent/python3", "/nonexistent/python3.11"]);
    expect(probe).toEqual({ skipped: expect.stringContaining("/nonexistent/python3: ") });
    const reason = (probe as { skipped: string }).skipped;
    expect(reason).toContain("/nonexistent/python3.11: ");
    expect(reason).toContain("ENOENT");
    expect(reason).toContain("apt-get install python3-grpcio python3-jwt");
  });
});

describe("pythonCandidates", () => {
  it("tries BENCH_PYTHON first, then Debian's python3, then the one on PATH, each once", () => {
    expect(pythonCandidates({ BENCH_PYTHON: "/opt/py/bin/python3" })).toEqual(["/opt/py/bin/python3", "/usr/bin/python3", "python3"]);
    expect(pythonCandidates({ BENCH_PYTHON: "/usr/bin/python3" })).toEqual(["/usr/bin/python3", "python3"]);
    expect(pythonCandidates({})).toEqual(["/usr/bin/python3", "python3"]);
  });
});
