// KAFKA format: a single primitive in Kafka's own serializer layout (big-endian ints, UTF-8 strings).
import { normLong, toBig } from '../expr/long.ts';
import { Bytes } from '../expr/bytes.ts';
import { SerdeError, type Format } from './format.ts';

export const KafkaFormat: Format = {
  name: 'KAFKA',
  validate(cols) {
    if (cols.length > 1) return `The 'KAFKA' format only supports a single field. Got: [${cols.map((c) => `\`${c.name}\` ${c.type.base}`).join(', ')}]`;
    const c = cols[0];
    if (c && !['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'].includes(c.type.base)) {
      return `The 'KAFKA' format does not support type '${c.type.base}'`;
    }
    return undefined;
  },
  serialize(values, cols) {
    const c = cols[0];
    const v = values[0];
    if (!c || v === null || v === undefined) return Buffer.alloc(0);
    switch (c.type.base) {
      case 'INTEGER': {
        const b = Buffer.alloc(4);
        b.writeInt32BE(v as number);
        return b;
      }
      case 'BIGINT': {
        const b = Buffer.alloc(8);
        b.writeBigInt64BE(toBig(v));
        return b;
      }
      case 'DOUBLE': {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(v as number);
        return b;
      }
      case 'BYTES':
        return Buffer.from((v as Bytes).data);
      default:
        return Buffer.from(String(v), 'utf8');
    }
  },
  deserialize(data, cols) {
    const c = cols[0];
    if (!c) return [];
    switch (c.type.base) {
      case 'INTEGER':
        if (data.length !== 4) throw new SerdeError('Size of data received by IntegerDeserializer is not 4');
        return [data.readInt32BE(0)];
      case 'BIGINT':
        if (data.length !== 8) throw new SerdeError('Size of data received by LongDeserializer is not 8');
        return [normLong(data.readBigInt64BE(0))];
      case 'DOUBLE':
        if (data.length !== 8) throw new SerdeError('Size of data received by DoubleDeserializer is not 8');
        return [data.readDoubleBE(0)];
      case 'BYTES':
        return [new Bytes(Buffer.from(data))];
      default:
        return [data.toString('utf8')];
    }
  },
};
