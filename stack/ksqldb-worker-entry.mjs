// Worker-thread entry for ksqlDB: loads TypeScript through tsx, then runs the server (see ksqldb-worker.ts).
import { register } from 'tsx/esm/api';

register();
const { serveKsqlDb } = await import('./ksqldb-worker.ts');
serveKsqlDb();
