// The app's views: the reader (the open document, with the library and the selection beside it)
// and the full views switched from the toolbar, the View menu and Ctrl+1…8.

export type View = 'reader' | 'statements' | 'entities' | 'schema' | 'coders' | 'agreement' | 'adjudication' | 'analysis';

export const VIEWS: readonly { id: View; name: string; title: string }[] = [
  { id: 'reader', name: 'Text', title: 'The open document, the library and the selected annotation' },
  { id: 'statements', name: 'Statements', title: 'The statements table: who claims what' },
  { id: 'entities', name: 'Entities', title: 'Canonical actors and concepts' },
  { id: 'schema', name: 'Schema', title: 'Labels, their keys and attributes; relation types' },
  { id: 'coders', name: 'Coders', title: 'Who codes what: progress, assignments, blind mode' },
  { id: 'agreement', name: 'Agreement', title: 'Inter-coder agreement: α, κ and F1 per coder pair, label and document' },
  { id: 'adjudication', name: 'Adjudicate', title: "The open document's disagreements, settled into the curated layer" },
  { id: 'analysis', name: 'Analysis', title: 'The network of who sides with whom, and statements over time' },
];

export const isView = (value: unknown): value is View => VIEWS.some((v) => v.id === value);
