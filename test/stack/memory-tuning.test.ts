import { describe, expect, it } from 'vitest';
import { memoryTuningNote, tunedLaunchEnv } from '../../stack/memory-tuning.ts';

describe('the stack launch memory settings', () => {
  it('adds MALLOC_ARENA_MAX and the semi-space flag, keeping what the caller set', () => {
    expect(tunedLaunchEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=4' });
    expect(tunedLaunchEnv({ MALLOC_ARENA_MAX: '4', NODE_OPTIONS: '--enable-source-maps' }))
      .toEqual({ MALLOC_ARENA_MAX: '4', NODE_OPTIONS: '--max-semi-space-size=4 --enable-source-maps' });
    expect(tunedLaunchEnv({ NODE_OPTIONS: '--max-semi-space-size=8' }).NODE_OPTIONS).toBe('--max-semi-space-size=8');
  });

  it('names what is missing, and nothing when both are there (env or command line)', () => {
    expect(memoryTuningNote({}, [])).toBe('note: started without MALLOC_ARENA_MAX=2 and NODE_OPTIONS=--max-semi-space-size=4, which npm start sets; the stack then takes about 90 MB more memory');
    expect(memoryTuningNote({ MALLOC_ARENA_MAX: '2' }, [])).toMatch(/^note: started without NODE_OPTIONS=--max-semi-space-size=4,/);
    expect(memoryTuningNote({ MALLOC_ARENA_MAX: '2' }, ['--max-semi-space-size=4'])).toBeUndefined();
    expect(memoryTuningNote(tunedLaunchEnv({}), [])).toBeUndefined();
  });
});
