import { renderTable } from './table';

describe('renderTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    expect(renderTable(['NAME', 'STATE', 'DETAIL'], [['etcd-1', 'running', 'ok'], ['e2', 'exited', 'container not running']])).toBe(
      ['NAME    STATE    DETAIL', 'etcd-1  running  ok', 'e2      exited   container not running'].join('\n'),
    );
  });

  it('a header wider than its cells sets the width', () => {
    expect(renderTable(['COMPONENT', 'X'], [['a', '1']])).toBe('COMPONENT  X\na          1');
  });

  it('no trailing spaces, also for an empty last cell; missing cells are blank', () => {
    const text = renderTable(['A', 'B', 'C'], [['1', 'long value', ''], ['2']]);
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
    expect(text.split('\n')).toEqual(['A  B           C', '1  long value', '2']);
  });

  it('no rows: just the header', () => {
    expect(renderTable(['A', 'B'], [])).toBe('A  B');
  });
});
