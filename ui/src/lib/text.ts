// Shortening text for labels and lists, without cutting a character in half.

/** `text` cut to at most `keep` UTF-16 units and marked with an ellipsis, if it is longer. */
export function shorten(text: string, keep: number): string {
  if (text.length <= keep) return text;
  const last = text.charCodeAt(keep - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? keep - 1 : keep;
  return `${text.slice(0, end)}…`;
}
