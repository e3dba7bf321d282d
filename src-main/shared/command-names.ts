/**
 * The contract's command names as a plain list, for the sandboxed preload, which cannot load
 * npm modules (zod). contract.ts checks at compile time that this list and its commands agree.
 */
export const COMMAND_NAME_LIST = [
  'app.info',
  'meters.report',
  'datasets.list',
  'datasets.inspect',
  'spec.validate',
  'spec.preset',
  'studies.list',
  'studies.openFile',
  'study.start',
  'study.control',
  'study.get',
  'trial.get',
  'report.build',
  'report.export',
] as const;
