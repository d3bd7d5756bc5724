// Worker-thread entry for Kafka Connect: loads TypeScript through tsx, then runs it (see connect-worker.ts).
import { register } from 'tsx/esm/api';

register();
const { serveConnect } = await import('./connect-worker.ts');
serveConnect();
