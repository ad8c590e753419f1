/**
 * The layers of the main side, enforced in `npm run lint` (dependency-cruiser):
 *
 *   hosts     src-main/{electron,server,cli}, src-preload  — talk to core through core/api only
 *   api       src-main/core/api                            — the composition root: handlers,
 *                                                            services, job kinds registered here
 *   domains   core/{ingest,watch,library,browse,curation,media,models,packs,process,system,
 *             desktop,accounts,usage,generate,projects,training,localize}
 *   platform  core/{jobs,engines,thumbs,zip}               — what domains stand on
 *   shared    core/{app,db,datadir,events,settings,log,util}, src-main/contract
 *
 * A layer imports only layers below it; no two core folders import each other, even through
 * others; the renderer sees only the contract. Type-only imports count too: a type cycle is
 * still a design cycle.
 */
const hosts = '^src-(main/(electron|server|cli)|preload)/';
const api = '^src-main/core/api/';
const domains =
  '^src-main/core/(ingest|watch|library|browse|curation|media|models|packs|process|system|desktop|accounts|usage|generate|projects|training|localize)/';
const platform = '^src-main/core/(jobs|engines|thumbs|zip)/';
const shared = '^src-main/(core/(app|db|datadir|events|settings|log|util)/|contract/)';
const aboveShared = `(${platform})|(${domains})|(${api})|(${hosts})`;

module.exports = {
  forbidden: [
    {
      name: 'no-cycles-between-core-folders',
      comment:
        'Two core folders that import each other (directly or round a loop) are one module in two places.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src-main/core/[^/]+$' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'Modules import each other in a loop.',
      severity: 'error',
      from: { path: '^src-(main|renderer|preload)/' },
      to: { circular: true },
    },
    {
      name: 'shared-imports-only-shared',
      comment:
        'The shared layer (app kernel, db, data dir, events, settings, log, util, contract) stands on nothing above it.',
      severity: 'error',
      from: { path: shared },
      to: { path: aboveShared },
    },
    {
      name: 'platform-imports-no-domain',
      comment:
        'jobs, engines, thumbs and zip serve the domains; the job queue never imports a job kind.',
      severity: 'error',
      from: { path: platform },
      to: { path: `(${domains})|(${api})|(${hosts})` },
    },
    {
      name: 'domains-import-no-api-or-host',
      severity: 'error',
      from: { path: domains },
      to: { path: `(${api})|(${hosts})` },
    },
    {
      name: 'api-imports-no-host',
      severity: 'error',
      from: { path: api },
      to: { path: hosts },
    },
    {
      name: 'hosts-go-through-the-api',
      comment:
        'Electron, serve and the CLI reach core through core/api (and the shared layer), never a domain directly.',
      severity: 'error',
      from: { path: hosts },
      to: { path: `(${domains})|(${platform})` },
    },
    {
      name: 'renderer-sees-only-the-contract',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/', pathNot: '^src-main/contract/' },
    },
    {
      name: 'core-never-imports-electron',
      comment:
        'Core runs in plain Node, where importing electron throws. Type imports are erased and fine.',
      severity: 'error',
      from: { path: '^src-main/(core|contract|server|cli)/' },
      to: { path: '^electron$', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
