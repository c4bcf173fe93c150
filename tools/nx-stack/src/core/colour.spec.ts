import { colourEnabled, palette, visibleLength } from './colour';

describe('colour', () => {
  it('is on for a terminal, off for a pipe; NO_COLOR always wins, FORCE_COLOR turns it on without a terminal', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: 'true' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  it('wraps text in SGR codes only when enabled; visibleLength ignores them', () => {
    expect(palette(false).red('✗')).toBe('✗');
    expect(palette(true).red('✗')).toBe('\u001b[31m✗\u001b[39m');
    expect(visibleLength(palette(true).green('ok'))).toBe(2);
  });
});
