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
  'study.explore',
  'study.power',
  'machine.runs',
  'files.browse',
  'datasets.inspectImages',
  'trial.get',
  'report.build',
  'report.export',
  'report.download',
  'report.countries',
  'model.download',
  'study.payback',
  'trial.remeasure',
  'study.forecast',
] as const;
