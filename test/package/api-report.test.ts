// The checked-in API report (etc/api-report.md) is what the sources export:
// a change of the public surface must come with its report diff.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { apiReport, REPORT_PATH } from "../../scripts/api-report.js";

it("etc/api-report.md matches the exports of every entry (regenerate: npm run api-report)", () => {
  expect(apiReport(), "the public surface changed: run npm run api-report and commit the diff").toBe(readFileSync(REPORT_PATH, "utf8"));
}, 120_000);
