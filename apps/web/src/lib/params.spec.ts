import { idParam, pageParam, textParam } from './params';

describe('query and route parameters', () => {
  it.each([
    [undefined, 1],
    ['3', 3],
    [['4', '5'], 4],
    ['0', 1],
    ['-2', 1],
    ['2.5', 1],
    ['abc', 1],
    ['9999999', 1],
  ])('page %p → %p', (value, page) => expect(pageParam(value)).toBe(page));

  it('search text is trimmed, at most 100 characters, and absent when empty', () => {
    expect(textParam('  ada ')).toBe('ada');
    expect(textParam('   ')).toBeUndefined();
    expect(textParam(undefined)).toBeUndefined();
    expect(textParam('x'.repeat(150))).toHaveLength(100);
  });

  it.each([
    ['7', 7],
    ['0', undefined],
    ['abc', undefined],
    ['1e3', undefined],
    ['99999999999999999999', undefined],
  ])('id %p → %p', (value, id) => expect(idParam(value)).toBe(id));
});
