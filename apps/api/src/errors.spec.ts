import { describeError } from './errors';

describe('describeError', () => {
  it('adds the code when the message lacks it', () => {
    expect(describeError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe('relation "x" does not exist [42P01]');
    expect(describeError(Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' }))).toBe('getaddrinfo ENOTFOUND db');
  });

  it('spells out an AggregateError with an empty message (Node 20 dual-stack connect)', () => {
    const err = new AggregateError(
      [
        Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' }),
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ],
      '',
    );
    expect(describeError(err)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('copes with non-errors', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError(undefined)).toBe('undefined');
  });
});
