/** What the status line says of the console's own tunnels on a server, and in which order. */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {OwnTunnelNotices, ownChannelLostNotice, reopenedNotice, serverBackNotice} from '../../source/console/own-tunnel-notices.js';

describe('own tunnel notices', () => {
  test('each notice in its words', () => {
    assert.equal(ownChannelLostNotice('s', 'Lost the server s: gone', 0), "Lost the server s: gone; the console's channel on s closed");
    assert.equal(ownChannelLostNotice('s', 'Lost the server s: gone', 2), "Lost the server s: gone; the console's 2 tunnel(s) reopen when it is back");
    assert.equal(reopenedNotice('s', 2, []), "Reopened the console's 2 tunnel(s) on s, on the same ports");
    assert.equal(reopenedNotice('s', 1, ['127.0.0.1:80: busy', 'x']), 'Reopened 1 tunnel(s) on s; cannot reopen 2 on s yet (retrying): 127.0.0.1:80: busy');
    assert.equal(reopenedNotice('s', 0, ['refused']), 'cannot reopen 1 on s yet (retrying): refused');
    assert.equal(serverBackNotice('s', '2.1 s', null, null), 's is back after 2.1 s');
    assert.equal(serverBackNotice('s', '2.1 s', 'refused', 'Reopened all'), 'Reopened all; it was away 2.1 s (lost: refused)');
  });

  test('a reopening while the server counts as away is said again, first, when it is back; only once', () => {
    const said: string[] = [];
    const notices = new OwnTunnelNotices('s', (notice) => said.push(notice));
    notices.lost('gone', 1);
    notices.reopened(1, [], false);
    notices.reached({away: '3 s', lostBecause: 'refused'});
    notices.reached();
    assert.deepEqual(said, ["gone; the console's 1 tunnel(s) reopen when it is back", "Reopened the console's 1 tunnel(s) on s, on the same ports", "Reopened the console's 1 tunnel(s) on s, on the same ports; it was away 3 s (lost: refused)"]);
  });

  test('a reopening after the return, or one lost again, is not repeated at the next return', () => {
    const said: string[] = [];
    const notices = new OwnTunnelNotices('s', (notice) => said.push(notice));
    notices.reached({away: '1 s', lostBecause: null});
    notices.reopened(1, [], true);
    notices.reopened(0, ['refused'], false);
    notices.lost('gone again', 1);
    notices.reached({away: '2 s', lostBecause: null});
    assert.deepEqual(said.slice(-2), ["gone again; the console's 1 tunnel(s) reopen when it is back", 's is back after 2 s']);
  });
});
