// Child-process entry for the embedded Pinot: loads TypeScript through tsx, then runs it (see pinot-worker.ts).
import { register } from 'tsx/esm/api';

register();
const { servePinot } = await import('./pinot-worker.ts');
servePinot();
