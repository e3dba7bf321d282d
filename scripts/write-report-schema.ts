// Writes resources/schemas/energy-report.schema.json from the zod schema in src-main/shared/report.ts.
// Run: node --import tsx scripts/write-report-schema.ts (a test fails when the file is out of date).
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../src-main/engine/reports/schema';

writeFileSync(new URL('../resources/schemas/energy-report.schema.json', import.meta.url), `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
