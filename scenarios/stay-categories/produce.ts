/**
 * The producer of `npm start -- --scenario stay-categories`: hotel searches at the given rate over
 * `population` hotels until the signal aborts, each with the wall-clock time as its event time. Ids
 * continue after the searches already on the topic, so a restart does not repeat them.
 */
import type { StayCategoriesConfig } from '../../config/scenarios/stay-categories.ts';
import { deriveSeed } from '../../producers/generate/random.ts';
import { pump } from '../../producers/pump.ts';
import { openKafkaSink } from '../../producers/sinks/kafka-events.ts';
import { topicEndOffset } from '../topic-offsets.ts';
import type { ScenarioProduceContext } from '../scenario.ts';
import { SearchGenerator } from './generate/searches.ts';
import { searchMessage } from './messages.ts';

export async function produceStayCategories(context: ScenarioProduceContext, settings: StayCategoriesConfig): Promise<void> {
  const { targets, signal, rate } = context;
  if (!(rate > 0)) throw new RangeError(`the stay-categories producer needs a rate above 0 searches/s, got ${rate}`);
  const brokers = targets.kafkaBootstrap;
  const topic = settings.topics.expedia;
  const security = targets.kafkaSecurity;
  const firstId = await topicEndOffset(brokers, topic, security);
  const { traffic } = settings;
  const searches = new SearchGenerator({
    // A new sequence each run; the configured seed stays the root of it.
    seed: deriveSeed(traffic.seed, firstId),
    hotels: Math.max(1, context.population),
    invalidShare: traffic.invalidShare,
    maxLeadDays: traffic.maxLeadDays,
    firstId,
  });
  const sink = await openKafkaSink({ brokers, security, clientId: 'stay-categories-producer' });
  try {
    await pump({
      count: 0,
      next: () => searchMessage(searches.next()),
      write: (batch) => sink.send(topic, batch),
      batchSize: Math.max(1, Math.ceil(rate / 10)),
      rate,
      signal,
      onProgress: (p) => context.progress('searches', p.done),
    });
  } finally {
    await sink.close();
  }
}
