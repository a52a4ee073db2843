import { describe, expect, it } from 'vitest';
import { ServiceConfigError } from '../service-config-error.js';
import { redisOptionsFrom } from './redis-names.js';

describe('redisOptionsFrom', () => {
  it('reads host, port, database and credentials from a redis:// URL', () => {
    expect(redisOptionsFrom('redis://user:p%40ss@10.0.0.5:6380/2', { blocking: true })).toEqual({
      host: '10.0.0.5',
      port: 6380,
      db: 2,
      username: 'user',
      password: 'p@ss',
      maxRetriesPerRequest: null,
    });
    expect(redisOptionsFrom('rediss://cache.internal')).toMatchObject({
      port: 6379,
      tls: {},
      maxRetriesPerRequest: 2,
    });
  });

  it('refuses what is not a Redis URL', () => {
    for (const url of ['localhost:6379', 'http://host:6379', 'redis://host/zero']) {
      expect(() => redisOptionsFrom(url), url).toThrow(ServiceConfigError);
    }
  });
});
