/**
 * How many terminal columns text takes: a CJK character or an emoji takes two, a combining
 * accent none. Tables align on this, not on the string's length, or a peer named 東京 shifts
 * every cell after it. The rules are those of Ink's own measure (string-width), so what the
 * console cuts to a width is what Ink lays out in it: grapheme clusters, emoji two columns,
 * otherwise the East Asian Width of the cluster's first visible character.
 */
import {eastAsianWidth} from 'get-east-asian-width';

const segmenter = new Intl.Segmenter();
const invisible = /^[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]+$/u;
const visibleCharacter = /[^\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]/u;
// The `v` flag (properties of strings) by constructor: tsc's target predates it, Node 20 has it.
const emoji = new RegExp('^\\p{RGI_Emoji}$', 'v');
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/** The columns one grapheme cluster takes (0, 1 or 2). */
function clusterWidth(cluster: string): number {
  if (invisible.test(cluster)) return 0;
  if (emoji.test(cluster)) return 2;
  const first = cluster.slice(cluster.search(visibleCharacter)).codePointAt(0);
  return first === undefined ? 0 : eastAsianWidth(first);
}

/** The grapheme clusters of `text` with the columns each takes. */
export function clustersOf(text: string): Array<{cluster: string; width: number}> {
  if (PRINTABLE_ASCII.test(text)) return [...text].map((cluster) => ({cluster, width: 1}));
  return [...segmenter.segment(text)].map(({segment}) => ({cluster: segment, width: clusterWidth(segment)}));
}

/** The columns `text` takes on a terminal (no escape codes in it). */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const {segment} of segmenter.segment(text)) width += clusterWidth(segment);
  return width;
}
