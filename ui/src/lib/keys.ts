// The app's keyboard shortcuts as a table: which key, with which modifiers, in which state of
// the app, does what. `actionFor` reads the table and answers an action's name; the app carries
// it out. Kept free of the DOM so the table can be tested on plain objects.

import { VIEWS, type View } from './views';

/** What a key press asks the app to do. */
export type Action =
  | 'undo'
  | 'redo'
  | 'find'
  | 'view'
  | 'blur-field'
  | 'show-reader'
  | 'leave-field'
  | 'extend-selection'
  | 'help'
  | 'larger-text'
  | 'smaller-text'
  | 'normal-text'
  | 'search'
  | 'next-document'
  | 'previous-document'
  | 'export'
  | 'import-files'
  | 'import-folder'
  | 'stop-linking'
  | 'clear-selection'
  | 'delete-annotation'
  | 'link'
  | 'next-annotation'
  | 'previous-annotation'
  | 'next-suggestion'
  | 'previous-suggestion'
  | 'label';

/** The app's state as far as the keys depend on it. */
export interface KeyState {
  /** The key comes from a field that keeps its own keys (typing, choosing). */
  inField: boolean;
  /** It comes from a drop-down, check box or radio button, which have no undo of their own. */
  choosing: boolean;
  /** The text view is shown (not one of the full views). */
  reading: boolean;
  /** Link mode: the next highlight chosen becomes a link's target. */
  linking: boolean;
  /** An annotation is selected. */
  selected: boolean;
  /** The selected annotation's panel is shown. */
  panel: boolean;
  /** A document is open. */
  open: boolean;
  /** The text's box is there (it takes the keyboard back from a field). */
  text: boolean;
  /** The reader is there, showing the open document. */
  reader: boolean;
  /** The labels' keys. */
  hotkeys: readonly string[];
}

/** The parts of a key event the table reads. */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'defaultPrevented'>;

/** One shortcut. A modifier is required (true), refused (false) or either (absent); Ctrl and
 * Cmd count as one. */
export interface Binding {
  keys: readonly string[];
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
  /** When it applies, beyond the key; else the next binding is tried. */
  when?: (state: KeyState, press: KeyPress) => boolean;
  action: Action;
  /** The key's default (scrolling, the browser's own shortcut) is kept from happening. */
  preventDefault: boolean;
  /** For `view`: which one. */
  view?: View;
}

/** What a key press does: the action, whether its default is prevented, and for `view` which. */
export interface KeyAction {
  action: Action;
  preventDefault: boolean;
  view?: View;
}

const ARROWS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];
const outside = (s: KeyState) => !s.inField;
const fresh = (_: KeyState, p: KeyPress) => !p.defaultPrevented;

/** Keys that work in fields too (in this order). */
export const EVERYWHERE: readonly Binding[] = [
  // Undo and redo reach the project from a drop-down or a check box too; text fields keep theirs.
  { keys: ['y', 'Y'], ctrl: true, when: (s) => s.choosing || outside(s), action: 'redo', preventDefault: true },
  { keys: ['z', 'Z'], ctrl: true, shift: true, when: (s) => s.choosing || outside(s), action: 'redo', preventDefault: true },
  { keys: ['z', 'Z'], ctrl: true, shift: false, when: (s) => s.choosing || outside(s), action: 'undo', preventDefault: true },
  { keys: ['f', 'F'], ctrl: true, action: 'find', preventDefault: true },
  ...VIEWS.map(
    (v, i): Binding => ({ keys: [String(i + 1)], ctrl: true, shift: false, alt: false, action: 'view', view: v.id, preventDefault: true }),
  ),
  // Escape leaves a full view for the text; in one of its fields, it first leaves the field
  // (what was typed there stays), and a second Escape the view.
  { keys: ['Escape'], when: (s, p) => !s.reading && fresh(s, p) && s.inField, action: 'blur-field', preventDefault: false },
  { keys: ['Escape'], when: (s, p) => !s.reading && fresh(s, p), action: 'show-reader', preventDefault: false },
  // Escape in a field of the side panel or the library goes back to the text.
  { keys: ['Escape'], when: (s, p) => s.reading && fresh(s, p) && s.inField && s.text, action: 'leave-field', preventDefault: true },
];

/** Keys that work outside fields only (in this order). */
export const OUTSIDE_FIELDS: readonly Binding[] = [
  // Shift+arrows (Ctrl for words, Home/End for the line) select in the text.
  { keys: ARROWS, shift: true, alt: false, when: (s) => s.reading && s.reader, action: 'extend-selection', preventDefault: true },
  { keys: ['?'], ctrl: false, action: 'help', preventDefault: true },
  { keys: ['=', '+'], ctrl: true, action: 'larger-text', preventDefault: true },
  { keys: ['-'], ctrl: true, action: 'smaller-text', preventDefault: true },
  { keys: ['0'], ctrl: true, action: 'normal-text', preventDefault: true },
  { keys: ['k', 'K'], ctrl: true, action: 'search', preventDefault: true },
  { keys: ['/'], ctrl: false, alt: false, action: 'search', preventDefault: true },
  { keys: ['ArrowDown'], alt: true, action: 'next-document', preventDefault: true },
  { keys: ['ArrowUp'], alt: true, action: 'previous-document', preventDefault: true },
  { keys: ['e', 'E'], ctrl: true, action: 'export', preventDefault: true },
  { keys: ['o', 'O'], ctrl: true, shift: false, action: 'import-files', preventDefault: true },
  { keys: ['o', 'O'], ctrl: true, shift: true, action: 'import-folder', preventDefault: true },
  { keys: ['Escape'], when: (s) => !s.reading, action: 'show-reader', preventDefault: false },
  { keys: ['Escape'], when: (s) => s.linking, action: 'stop-linking', preventDefault: false },
  { keys: ['Escape'], action: 'clear-selection', preventDefault: false },
  // The keys below work on the open document, in the text view.
  { keys: ['Delete', 'Backspace'], when: (s) => s.reading && s.selected, action: 'delete-annotation', preventDefault: true },
  { keys: ['l'], ctrl: false, alt: false, when: (s) => s.reading && s.selected && s.panel, action: 'link', preventDefault: true },
  // J and K move to the next and previous annotation, in reading order.
  { keys: ['j'], ctrl: false, alt: false, when: (s) => s.reading && s.open, action: 'next-annotation', preventDefault: true },
  { keys: ['k'], ctrl: false, alt: false, when: (s) => s.reading && s.open, action: 'previous-annotation', preventDefault: true },
  // N and P walk the suggestions: the list beside the text takes the keyboard.
  { keys: ['n'], ctrl: false, alt: false, when: (s) => s.reading && s.open, action: 'next-suggestion', preventDefault: true },
  { keys: ['p'], ctrl: false, alt: false, when: (s) => s.reading && s.open, action: 'previous-suggestion', preventDefault: true },
];

/** A label's key labels the selected text; checked last, so no label key hides a shortcut. */
const LABEL: Binding = {
  keys: [],
  ctrl: false,
  alt: false,
  when: (s, p) => s.reading && s.hotkeys.includes(p.key),
  action: 'label',
  preventDefault: true,
};

function matches(binding: Binding, press: KeyPress, state: KeyState): boolean {
  const ctrl = press.ctrlKey || press.metaKey;
  return (
    (binding.keys.length === 0 || binding.keys.includes(press.key)) &&
    (binding.ctrl === undefined || binding.ctrl === ctrl) &&
    (binding.shift === undefined || binding.shift === press.shiftKey) &&
    (binding.alt === undefined || binding.alt === press.altKey) &&
    (binding.when?.(state, press) ?? true)
  );
}

/** What a key press does in `state`: the first binding that matches, or null for none. */
export function actionFor(press: KeyPress, state: KeyState): KeyAction | null {
  const found =
    EVERYWHERE.find((b) => matches(b, press, state)) ??
    (state.inField ? undefined : [...OUTSIDE_FIELDS, LABEL].find((b) => matches(b, press, state)));
  if (!found) return null;
  return found.view === undefined
    ? { action: found.action, preventDefault: found.preventDefault }
    : { action: found.action, preventDefault: found.preventDefault, view: found.view };
}
