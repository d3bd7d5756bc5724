import { startKafkaCluster } from './embedded/kafka/index.ts';
const c = await startKafkaCluster({ firstPort: 39192, dataDir: '/tmp/dbgk' + Date.now() });
console.log(c.bootstrap());
setTimeout(() => c.stop().then(() => process.exit(0)), 60000);
