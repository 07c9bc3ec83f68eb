import { describe, expect, it } from 'vitest';
import { actionFor, type KeyPress, type KeyState } from './keys';

/** The text view with a document open, the keyboard in the text, nothing selected. */
const READING: KeyState = {
  inField: false,
  choosing: false,
  reading: true,
  linking: false,
  selected: false,
  panel: false,
  open: true,
  text: true,
  reader: true,
  hotkeys: ['1', '2', '3'],
};

/** A key press: `key` with the modifiers `held` ("ctrl", "meta", "shift", "alt"). */
function press(key: string, ...held: string[]): KeyPress {
  return {
    key,
    ctrlKey: held.includes('ctrl'),
    metaKey: held.includes('meta'),
    shiftKey: held.includes('shift'),
    altKey: held.includes('alt'),
    defaultPrevented: held.includes('prevented'),
  };
}

const action = (p: KeyPress, state: Partial<KeyState> = {}) => actionFor(p, { ...READING, ...state })?.action ?? null;

describe('actionFor', () => {
  it('labels the selection with a label key, and not with Ctrl or Alt held', () => {
    expect(actionFor(press('2'), READING)).toEqual({ action: 'label', preventDefault: true });
    expect(action(press('4'))).toBeNull();
    expect(action(press('2', 'alt'))).toBeNull();
    expect(action(press('2'), { reading: false })).toBeNull();
  });

  it('moves through annotations with J and K when a document is open', () => {
    expect(action(press('j'))).toBe('next-annotation');
    expect(action(press('k'))).toBe('previous-annotation');
    expect(action(press('j'), { open: false })).toBeNull();
    expect(action(press('j'), { reading: false })).toBeNull();
  });

  it('deletes the selected annotation with Delete or Backspace, and only with one selected', () => {
    expect(action(press('Delete'), { selected: true })).toBe('delete-annotation');
    expect(action(press('Backspace'), { selected: true })).toBe('delete-annotation');
    expect(action(press('Delete'))).toBeNull();
  });

  it('starts a link with L when an annotation and its panel are shown', () => {
    expect(action(press('l'), { selected: true, panel: true })).toBe('link');
    expect(action(press('l'), { selected: true })).toBeNull();
  });

  it('lets Escape stop linking, clear the selection, or leave a full view', () => {
    expect(actionFor(press('Escape'), READING)).toEqual({ action: 'clear-selection', preventDefault: false });
    expect(action(press('Escape'), { linking: true })).toBe('stop-linking');
    expect(action(press('Escape'), { reading: false })).toBe('show-reader');
  });

  it('lets Escape in a field leave the field first: for the text, or before leaving the view', () => {
    expect(actionFor(press('Escape'), { ...READING, inField: true })).toEqual({ action: 'leave-field', preventDefault: true });
    expect(action(press('Escape'), { inField: true, reading: false })).toBe('blur-field');
    // A field that used Escape itself keeps it.
    expect(action(press('Escape', 'prevented'), { inField: true })).toBeNull();
    expect(action(press('Escape', 'prevented'), { inField: true, reading: false })).toBeNull();
    expect(action(press('Escape', 'prevented'), { reading: false })).toBe('show-reader');
  });

  it('switches views with Ctrl+1 to Ctrl+8, also from a field, and not with Shift or Alt', () => {
    const views = ['reader', 'statements', 'entities', 'schema', 'coders', 'agreement', 'adjudication', 'analysis'];
    views.forEach((view, i) => {
      expect(actionFor(press(String(i + 1), 'ctrl'), READING)).toEqual({ action: 'view', preventDefault: true, view });
    });
    expect(actionFor(press('3', 'meta'), { ...READING, inField: true })?.view).toBe('entities');
    expect(action(press('9', 'ctrl'))).toBeNull();
    expect(action(press('2', 'ctrl', 'shift'))).toBeNull();
    expect(action(press('2', 'ctrl', 'alt'))).toBeNull();
  });

  it('undoes with Ctrl+Z and redoes with Ctrl+Shift+Z or Ctrl+Y, but not in a text field', () => {
    expect(action(press('z', 'ctrl'))).toBe('undo');
    expect(action(press('Z', 'ctrl', 'shift'))).toBe('redo');
    expect(action(press('y', 'ctrl'))).toBe('redo');
    expect(action(press('z', 'meta'))).toBe('undo');
    expect(action(press('z', 'ctrl'), { inField: true })).toBeNull();
    expect(action(press('z', 'ctrl'), { inField: true, choosing: true })).toBe('undo');
    // Out of the text view too: the history is the project's.
    expect(action(press('z', 'ctrl'), { reading: false })).toBe('undo');
  });

  it('finds with Ctrl+F, from a field too', () => {
    expect(actionFor(press('f', 'ctrl'), READING)).toEqual({ action: 'find', preventDefault: true });
    expect(action(press('F', 'ctrl', 'shift'), { inField: true })).toBe('find');
    expect(action(press('f'))).toBeNull();
  });

  it('searches all documents with Ctrl+K or /', () => {
    expect(action(press('k', 'ctrl'))).toBe('search');
    expect(action(press('/'))).toBe('search');
    expect(action(press('/', 'alt'))).toBeNull();
    expect(action(press('/'), { inField: true })).toBeNull();
  });

  it('moves through the documents with Alt+Down and Alt+Up', () => {
    expect(action(press('ArrowDown', 'alt'))).toBe('next-document');
    expect(action(press('ArrowUp', 'alt'))).toBe('previous-document');
    expect(action(press('ArrowDown'))).toBeNull();
  });

  it('selects in the text with Shift and the arrows, Home and End', () => {
    for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']) {
      expect(action(press(key, 'shift'))).toBe('extend-selection');
      expect(action(press(key, 'shift', 'ctrl'))).toBe('extend-selection');
    }
    expect(action(press('ArrowLeft', 'shift'), { reader: false })).toBeNull();
    expect(action(press('ArrowDown', 'shift', 'alt'))).toBe('next-document');
  });

  it('imports with Ctrl+O (a folder with Shift) and exports with Ctrl+E', () => {
    expect(action(press('o', 'ctrl'))).toBe('import-files');
    expect(action(press('O', 'ctrl', 'shift'))).toBe('import-folder');
    expect(action(press('e', 'ctrl'))).toBe('export');
    expect(action(press('e', 'ctrl'), { reading: false })).toBe('export');
  });

  it('sizes the text with Ctrl+=, Ctrl+- and Ctrl+0', () => {
    expect(action(press('=', 'ctrl'))).toBe('larger-text');
    expect(action(press('+', 'ctrl', 'shift'))).toBe('larger-text');
    expect(action(press('-', 'ctrl'))).toBe('smaller-text');
    expect(action(press('0', 'ctrl'))).toBe('normal-text');
  });

  it('opens the help with ?, in any view but not from a field', () => {
    expect(action(press('?', 'shift'))).toBe('help');
    expect(action(press('?', 'shift'), { reading: false })).toBe('help');
    expect(action(press('?', 'shift'), { inField: true })).toBeNull();
  });

  it('keeps plain keys for the fields that type them', () => {
    for (const key of ['j', '1', 'Delete', 'l']) expect(action(press(key), { inField: true, selected: true, panel: true })).toBeNull();
  });
});
