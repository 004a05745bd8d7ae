// The peer: PostGraphile v4 over the same table (its `@name enterprises` smart comment names it
// allEnterprises). It enforces no policy and audits nothing; options as its docs advise for production.
import Module, { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(import.meta.url);
// npm installed two copies of graphql 15 for PostGraphile's packages (and graphql 16 for Causeway);
// graphql refuses to mix instances, so every graphile package is pointed at PostGraphile's copy.
const graphqlDir = path.dirname(require.resolve('graphql/package.json', { paths: [path.dirname(require.resolve('postgraphile/package.json'))] }));
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'graphql' || request.startsWith('graphql/')) return resolve.call(this, path.join(graphqlDir, request.slice('graphql'.length)), parent, ...rest);
  return resolve.call(this, request, parent, ...rest);
};
const { postgraphile } = require('postgraphile');

const middleware = postgraphile(process.env.DATABASE_URL, 'causeway_data', {
  dynamicJson: true,
  disableDefaultMutations: true,
  graphiql: false,
  disableQueryLog: true,
  retryOnInitFail: false,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  extendedErrors: [],
});

http.createServer(middleware).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
