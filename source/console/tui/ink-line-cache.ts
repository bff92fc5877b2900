/**
 * Keeps Ink's conversion of a line of text into styled characters from one frame to the next.
 *
 * Ink (6.8) rebuilds the whole screen for every frame: each line of each text is tokenized (its
 * ANSI codes parsed) and turned into styled characters, with a cache that lives for one frame
 * only. Between two frames of the console almost every line is the same, so that work, about a
 * third of a frame at 120x60 and more at 200x50, was done again for nothing on every key and
 * every live update. The conversion is a pure function of the line, so its results are kept
 * across frames here, up to LINE_LIMIT lines (the oldest forgotten first).
 *
 * Ink does not export the class; it is reached from Ink's own file, the one its renderer uses.
 * Where Ink is not as expected (another version), nothing is changed and frames cost what they
 * did.
 */
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';

/** A few screens' worth of distinct lines. */
export const LINE_LIMIT = 4096;

type StyledChars = unknown[];

interface LineCaches {
  getStyledChars?: (line: string) => StyledChars;
}

interface OutputModule {
  default?: new (options: {width: number; height: number}) => {caches?: LineCaches};
}

/** Whether the cache is in place (false: Ink is not as expected; nothing was changed). */
export async function keepInkLineCache(limit = LINE_LIMIT): Promise<boolean> {
  try {
    const inkEntry = createRequire(import.meta.url).resolve('ink');
    const outputModule = (await import(pathToFileURL(join(dirname(inkEntry), 'output.js')).href)) as OutputModule;
    const caches = outputModule.default ? new outputModule.default({width: 0, height: 0}).caches : undefined;
    const prototype = caches ? (Object.getPrototypeOf(caches) as LineCaches & {keptAcrossFrames?: boolean}) : undefined;
    const perFrame = prototype?.getStyledChars;
    if (!prototype || typeof perFrame !== 'function') return false;
    if (prototype.keptAcrossFrames) return true;
    const kept = new Map<string, StyledChars>();
    prototype.getStyledChars = function (this: LineCaches, line: string): StyledChars {
      let styled = kept.get(line);
      if (styled === undefined) {
        styled = perFrame.call(this, line);
        if (kept.size >= limit) kept.delete(kept.keys().next().value!);
        kept.set(line, styled);
      }
      return styled;
    };
    prototype.keptAcrossFrames = true;
    return true;
  } catch {
    return false;
  }
}
