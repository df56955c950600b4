import { DomainError } from '@ensemble/contracts';
import { sqlError } from './database.js';

const pgError = (code: string) => Object.assign(new Error('from postgres'), { code });

describe('what a PostgreSQL failure means to a caller', () => {
  it.each([
    ['23505', 'conflict'], // unique_violation
    ['23503', 'invalid-input'], // foreign_key_violation
    ['23514', 'invalid-input'], // check_violation
    ['23502', 'invalid-input'], // not_null_violation
    ['22P02', 'invalid-input'], // invalid_text_representation
    ['57014', 'unavailable'], // query_canceled: the statement deadline
    ['57P01', 'unavailable'], // admin_shutdown
    ['53300', 'unavailable'], // too_many_connections
    ['ECONNREFUSED', 'unavailable'],
  ])('turns SQLSTATE %s into %s', (code, expected) => {
    expect(sqlError(pgError(code), 'test').code).toBe(expected);
  });

  it('counts a failure with no code (a connection deadline) as unavailable', () => {
    expect(sqlError(new Error('timeout exceeded when trying to connect'), 'test').code).toBe('unavailable');
  });

  it('passes a domain error through unchanged', () => {
    const e = new DomainError('not-found', 'no such room');
    expect(sqlError(e, 'test')).toBe(e);
  });

  it('never repeats what PostgreSQL said (it may quote the rejected value)', () => {
    const e = Object.assign(new Error('Key (email)=(secret@example.org) already exists.'), { code: '23505' });
    expect(sqlError(e, 'register').message).not.toContain('secret@example.org');
  });
});
