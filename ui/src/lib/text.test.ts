import { describe, expect, it } from 'vitest';
import { around, counted, paragraphAt, shorten } from './text';

describe('shorten', () => {
  it('leaves short text alone and cuts long text with an ellipsis', () => {
    expect(shorten('Tammy Bruce', 40)).toBe('Tammy Bruce');
    expect(shorten('abcdef', 3)).toBe('abc…');
  });

  it('never cuts an emoji in half', () => {
    expect(shorten('ab🤝cd', 3)).toBe('ab…');
    expect(shorten('ab🤝cd', 4)).toBe('ab🤝…');
  });
});

describe('counted', () => {
  it('says one thing in the singular and other counts in the plural', () => {
    expect(counted(1, 'document')).toBe('1 document');
    expect(counted(0, 'document')).toBe('0 documents');
    expect(counted(1815, 'file')).toBe('1,815 files');
  });
});

describe('around', () => {
  it('gives the text on both sides, folded, without cutting a character', () => {
    const text = 'Ushakov said 🇺🇦 no.\n\nThen Ushakov left.';
    const second = text.lastIndexOf('Ushakov');
    expect(around(text, second, second + 7, 8)).toEqual({ before: '. Then ', after: ' left.' });
    // Four units before "no" fall inside the flag's first character (a surrogate pair).
    const no = text.indexOf('no');
    const { before } = around(text, no, no + 2, 4);
    expect(before).toBe('🇦 ');
    expect([...before].every((c) => c.length === 1 || c.codePointAt(0)! > 0xffff)).toBe(true);
  });
});

describe('paragraphAt', () => {
  it('counts paragraphs separated by blank lines, also with CRLF', () => {
    const text = 'One.\r\n\r\nTwo,\nstill two.\n\n\nThree.';
    expect(paragraphAt(text, 0)).toBe(1);
    expect(paragraphAt(text, text.indexOf('Two'))).toBe(2);
    expect(paragraphAt(text, text.indexOf('still'))).toBe(2);
    expect(paragraphAt(text, text.indexOf('Three'))).toBe(3);
  });
});
