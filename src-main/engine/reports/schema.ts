/** The JSON Schema of the energy report, generated from its zod schema. */
import { z } from 'zod';
import { REPORT_VERSION, reportSchema } from '../../shared/report';

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(reportSchema, { target: 'draft-2020-12' }),
    $id: `urn:ecopt:energy-report:v${REPORT_VERSION}`,
    title: `ECOpt energy report, version ${REPORT_VERSION}`,
  };
}
