// Sets a label colour on an element through the CSS object model. The CSP forbids inline style
// attributes, but not styles set from script, so colours from the schema still show.

import type { Action } from 'svelte/action';

export const paint: Action<HTMLElement, string | undefined> = (node, colour) => {
  const apply = (value: string | undefined) => {
    if (value) node.style.setProperty('--label-colour', value);
    else node.style.removeProperty('--label-colour');
  };
  apply(colour);
  return { update: apply };
};
