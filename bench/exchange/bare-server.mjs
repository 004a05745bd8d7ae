// The ceiling for any Node gateway on this machine: node:http, bare pg, JSON.stringify. The
// same table and the same SQL as Causeway's provider path; no policy, no audit, no GraphQL.
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// The version table, quoted by the catalogue's quoteVersionTable (bench/support.mjs).
const table = process.env.TABLE;
const columns = ['regNo', 'entName', 'legalRep', 'legalRepIdCard', 'phone', 'district', 'industry', 'capital', 'employees', 'foundedOn', 'status', 'updatedAt'].map((name) => pg.escapeIdentifier(name)).join(', ');
const LOOKUP = `select ${columns} from ${table} where "regNo" = $1 order by _row limit 1`;
const PAGE = `select ${columns} from ${table} where "status" = $1 order by _row limit 100`;
const AGGREGATE = `select "industry", count(*), avg("capital") from ${table} where "district" = $1 group by 1 order by 1`;

const answer = (response, rows) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ data: rows }));
};

http
  .createServer(async (request, response) => {
    try {
      const url = new URL(request.url, 'http://localhost');
      if (url.pathname === '/lookup') return answer(response, (await pool.query(LOOKUP, [url.searchParams.get('key')])).rows);
      if (url.pathname === '/page') return answer(response, (await pool.query(PAGE, ['ACTIVE'])).rows);
      if (url.pathname === '/aggregate') return answer(response, (await pool.query(AGGREGATE, ['440106'])).rows);
      response.writeHead(404).end();
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
