/** The classic consumer-group coordinator: one per broker. */
export { GroupCoordinator, type GroupCoordinatorOptions } from './coordinator.ts';
export { GroupErrorCode, type GroupErrorCodeValue } from './error-codes.ts';
export { systemClock, type Clock, type TimerHandle } from './clock.ts';
export type { GroupState } from './group.ts';
export {
  MemoryOffsetStore,
  type OffsetStore,
  type StoredGroupOffsets,
  type StoredOffset,
} from './offset-store.ts';
export { FileOffsetStore, OFFSETS_FILE_NAME, type FileOffsetStoreOptions } from './file-offset-store.ts';
export { AUTHORIZED_OPERATIONS_NOT_REQUESTED } from './responses.ts';
export type * from './messages.ts';
