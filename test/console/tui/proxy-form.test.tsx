/** The proxy form: a test URL of the user's (the server's default is a public site, out of reach offline), and a result that says what was done. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ServerHandle} from '../../../source/console/server-handle.js';
import {proxyForm} from '../../../source/console/tui/actions.js';
import type {StatusMessage} from '../../../source/console/tui/chrome.js';
import {Form} from '../../../source/console/tui/form.js';
import {FakeConsoleApi} from '../../helpers/fake-console-api.js';
import {KEYS, press, renderThemed, waitForFrame, type Rendered} from '../../helpers/ink.js';

async function type(instance: Rendered, label: string, text: string) {
  for (let index = 1; index <= text.length; index += 1) {
    const typed = text.slice(0, index).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    await press(instance, text[index - 1]!, new RegExp(`> ${label} +${typed}`));
  }
}

function open(current: {proxy_url?: string}) {
  const api = new FakeConsoleApi();
  const handle = new ServerHandle({name: 'srv1', url: api.serverUrl}, {api});
  const done: StatusMessage[] = [];
  const instance = renderThemed(<Form spec={proxyForm(handle, current)} width={100} height={14} onDone={(message) => done.push(message)} onCancel={() => {}} />);
  return {api, done, instance};
}

describe('the proxy form', () => {
  it('checks the proxy with the URL given, and says it was checked with it', async () => {
    const {api, done, instance} = open({});
    try {
      await waitForFrame(instance, /> Proxy URL/);
      assert.doesNotMatch(instance.lastFrame()!, /Test URL/, 'no test without a proxy');
      await type(instance, 'Proxy URL', 'http://p:3128');
      await press(instance, KEYS.tab, /> Username/);
      await press(instance, KEYS.tab, /> Password/);
      await press(instance, KEYS.tab, /> Check it first/);
      await press(instance, KEYS.tab, /> Test URL +empty: the server's default \(a public site\)/);
      await type(instance, 'Test URL', 'http://10.0.0.2:4040');
      await press(instance, KEYS.enter, (frame) => done.length === 1 || frame.includes('refused'));
      assert.ok(api.calls.includes('proxy.set {"proxy_url":"http://p:3128","test_url":"http://10.0.0.2:4040","check_proxy":true}'), api.calls.join('\n'));
      assert.deepEqual(done, [{text: 'Proxy of srv1 set to http://p:3128 (checked: http://10.0.0.2:4040 answered through it)', tone: 'ok'}]);
    } finally {
      instance.unmount();
    }
  });

  it('says what clearing did: the proxy it had, or that there was none', async () => {
    for (const [current, text] of [
      [{proxy_url: 'http://old:3128'}, 'Proxy of srv1 cleared (it was http://old:3128): it reaches its peers directly'],
      [{}, 'srv1 had no proxy: nothing to clear'],
    ] as const) {
      const {done, instance} = open(current);
      try {
        await waitForFrame(instance, /> Proxy URL/);
        await press(instance, '\u0015', (frame) => !frame.includes('old:3128') || frame.includes('now http://old'));
        await press(instance, KEYS.enter, () => done.length === 1);
        assert.deepEqual(done, [{text, tone: 'ok'}]);
      } finally {
        instance.unmount();
      }
    }
  });
});
