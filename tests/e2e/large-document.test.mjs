// A large document in the real app: a ~1 MB article carrying 20,000 annotations opens with all of
// its text in the page but highlights drawn only near the view; a highlight near the end is
// reached by scrolling and clicked; a mouse selection near the end is coded with the right
// code-point offsets; and an annotation chosen in the side list is scrolled into view.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CLI, cli, highlights, launch, pythonFind, startDriver, tempDir } from './support.mjs';
import { Keys } from './webdriver.mjs';
import { largeArticle, writeBrat } from '../bench/large-article.mjs';

const CLOSING = 'Zanzibar accord';

let driver;

before(async () => {
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
});

/** The document's annotations as `claimdesk-cli annotations` prints them (megabytes of them). */
function annotations(project, documentId) {
  return execFileSync(CLI, ['--project', project, 'annotations', String(documentId)], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** UTF-16 offset of code point `cp` in `text`. */
function utf16(text, cp) {
  return [...text].slice(0, cp).join('').length;
}

/** Waits for the next two frames in the page, so scrolling has drawn. */
async function frames(app) {
  await app.execute(
    `window.__frames = false;
     requestAnimationFrame(() => requestAnimationFrame(() => { window.__frames = true; }));`,
  );
  await app.waitFor('two frames', () => app.execute('return window.__frames;'), 5_000);
}

/** The reader's scrolling pane, and its box in viewport coordinates. */
const PANE = `
  const pane = document.querySelector('[data-testid=document-text]').closest('main');
  const box = pane.getBoundingClientRect();`;

describe('a 1 MB article with 20,000 annotations', () => {
  it('opens, scrolls to a highlight at the end, codes a selection there, and follows the side list', async () => {
    const folder = tempDir();
    const article = largeArticle();
    // An unannotated closing sentence with a phrase found nowhere else, after emoji earlier on,
    // so code points and UTF-16 units disagree before it.
    article.text += `Closing note 🤝: the ${CLOSING} was signed.\n`;
    const file = writeBrat(folder, 'large-article', article);
    const project = path.join(folder, 'large.claimdesk');
    const doc = Number(/#(\d+)/.exec(cli('--project', project, 'import', file))?.[1]);
    assert.ok(doc > 0);
    const stored = annotations(project, doc);
    assert.equal(stored.length, 20_000);

    const app = await launch(driver, ['--project', project]);
    try {
      // Open: all of the text is in the page, exactly, but only the highlights near the view.
      await app.waitFor(
        'the large document',
        () =>
          app.execute(
            `const root = document.querySelector('[data-testid=document-text]');
             return root?.dataset.documentId === String(arguments[0]) && root.dataset.rendered === 'true' &&
               root.querySelectorAll('mark').length > 0;`,
            doc,
          ),
        30_000,
      );
      const opened = await app.execute(
        `const root = document.querySelector('[data-testid=document-text]');
         return { text: root.textContent, marks: root.querySelectorAll('mark').length };`,
      );
      assert.equal(opened.text.length, article.text.length);
      assert.ok(opened.text === article.text, 'the page holds the document text exactly');
      assert.ok(opened.marks > 10 && opened.marks < 2_000, `${opened.marks} highlights drawn, not 20,000`);

      // Scroll to the end in steps, as a reader would, and click a highlight there.
      const stride = await app.execute(`${PANE} return Math.ceil(pane.scrollHeight / 20);`);
      for (let i = 1; i <= 20; i++) {
        await app.execute(`${PANE} pane.scrollTop += arguments[0];`, stride);
        await frames(app);
      }
      await app.execute(`${PANE} pane.scrollTop = pane.scrollHeight;`);
      await frames(app);
      const last = await app.execute(
        `${PANE}
         const marks = [...document.querySelectorAll('[data-testid=document-text] mark')].filter((m) => {
           const r = m.getBoundingClientRect();
           return m.dataset.annotationIds.split(' ').length === 1 && r.top > box.top && r.bottom < box.bottom && r.width > 4;
         });
         const m = marks.at(-1);
         if (!m) return null;
         const r = m.getClientRects()[0];
         return { id: Number(m.dataset.annotationIds), start16: Number(m.dataset.start), x: r.left + 2, y: (r.top + r.bottom) / 2 };`,
      );
      assert.ok(last, 'a highlight is on screen at the end');
      const lastStored = stored.find((a) => a.id === last.id);
      assert.ok(lastStored.start > 0.95 * [...article.text].length, 'the highlight is near the end');
      await app.click({ x: last.x, y: last.y });
      await app.waitFor('the clicked annotation to be selected', async () =>
        (await app.find(`.selected-annotation[data-annotation-id="${last.id}"]`)).length === 1,
      );
      assert.ok(await app.execute(`return !!document.querySelector('mark.selected[data-start="${last.start16}"]');`));

      // Select the closing phrase with the mouse and press 1.
      const rect = await app.execute(
        `${PANE}
         const root = document.querySelector('[data-testid=document-text]');
         const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
         while (walker.nextNode()) {
           const i = walker.currentNode.data.indexOf(arguments[0]);
           if (i < 0) continue;
           const range = document.createRange();
           range.setStart(walker.currentNode, i);
           range.setEnd(walker.currentNode, i + arguments[0].length);
           const r = range.getClientRects()[0];
           return r.top > box.top && r.bottom < box.bottom ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom } : null;
         }
         return null;`,
        CLOSING,
      );
      assert.ok(rect, `${CLOSING} is on screen`);
      const y = (rect.top + rect.bottom) / 2;
      await app.drag({ x: rect.left + 1, y }, { x: rect.right - 1, y });
      assert.equal(await app.execute('return window.getSelection().toString();'), CLOSING);
      await app.press('1');
      await app.waitFor('the new highlight', async () => (await highlights(app, CLOSING)).length === 1, 30_000);
      const start = pythonFind(file, CLOSING);
      assert.notEqual(start, article.text.indexOf(CLOSING), 'code points and UTF-16 differ here');
      const created = annotations(project, doc).filter((a) => a.quote === CLOSING);
      assert.deepEqual(
        created.map((a) => [a.label, a.start, a.end, a.unit]),
        [['Actor', start, start + CLOSING.length, 'code_point']],
      );

      // Back to the top; choose an annotation in the middle from the side list: it comes into view.
      await app.execute(`${PANE} pane.scrollTop = 0;`);
      await frames(app);
      const before = await app.execute(`return Number(document.querySelector('.selected-annotation')?.dataset.annotationId);`);
      // The side list holds every annotation but draws only the rows in view.
      const list = await app.execute(
        `const scroll = document.querySelector('.annotation-scroll');
         scroll.scrollTop = scroll.scrollHeight / 2;
         return { rows: document.querySelectorAll('.annotation-list li').length, count: document.querySelector('.details .count').textContent };`,
      );
      assert.equal(list.count, '20001');
      assert.ok(list.rows > 5 && list.rows < 200, `${list.rows} rows drawn, not 20,001`);
      await frames(app);
      const middle = await app.waitFor('rows from the middle of the list', () =>
        app.execute(`const first = Number(document.querySelector('.annotation-list').dataset.firstRow); return first > 5000 && first;`),
      );
      assert.ok(middle > 5000, `the list shows row ${middle} onwards`);
      const [button] = await app.find('.annotation-list li:nth-child(10) button');
      await app.clickElement(button);
      const chosen = await app.waitFor('the chosen annotation', async () => {
        const id = await app.execute(`return Number(document.querySelector('.selected-annotation')?.dataset.annotationId);`);
        return id && id !== before ? id : null;
      });
      const target = annotations(project, doc).find((a) => a.id === chosen);
      const target16 = utf16(article.text, target.start);
      assert.ok(target16 > 0.2 * article.text.length, 'the chosen annotation is far from the top');
      const shown = await app.waitFor('the chosen annotation on screen', () =>
        app.execute(
          `${PANE}
           const m = document.querySelector('mark.selected[data-start="' + arguments[0] + '"]');
           if (!m) return null;
           const r = m.getBoundingClientRect();
           return r.top >= box.top && r.bottom <= box.bottom ? pane.scrollTop : null;`,
          target16,
        ),
      );
      assert.ok(shown > 1000, `the reader scrolled (to ${shown} px)`);

      // From the keyboard, End goes to the last of 20,001 rows: drawn, selected and focused.
      await app.execute(`document.querySelector('.annotation-list button[data-annotation-id="' + arguments[0] + '"]').focus();`, chosen);
      await app.press(Keys.End);
      // The list's order: start, longer first, then id.
      const [lastRow] = annotations(project, doc).sort((a, b) => b.start - a.start || a.end - b.end || b.id - a.id);
      const lastId = lastRow.id;
      await app.waitFor('the last row selected and focused', async () =>
        app.execute(
          `return Number(document.querySelector('.selected-annotation')?.dataset.annotationId) === arguments[0] &&
             Number(document.activeElement?.dataset.annotationId) === arguments[0];`,
          lastId,
        ),
      );
    } finally {
      await app.end();
    }
  });
});
