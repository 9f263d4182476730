// The token area: a read-only token box with Copy, the bridge's QR image and a countdown.

import { copyText, el, formatLeft } from './dom.js';

/** `qrUrl(token)` is the bridge's QR address or null. */
export function createTokenBlocks(qrUrl) {
  async function loadQr(img, token) {
    const url = qrUrl(token);
    img.hidden = true;
    if (!url) return;
    try {
      const response = await fetch(url, { cache: 'no-store' });
      if (!response.ok) return;
      const blob = await response.blob();
      if (img.dataset.token !== token) return; // replaced meanwhile
      if (img.dataset.blob) URL.revokeObjectURL(img.dataset.blob);
      const shown = URL.createObjectURL(blob);
      img.dataset.blob = shown;
      img.src = shown;
      img.hidden = false;
    } catch {
      /* no QR: the token box is enough */
    }
  }

  /** A token box: read-only text, Copy, QR from the bridge, countdown. */
  function tokenBlock(kind) {
    const area = el('textarea', { class: 'rpm-token', readonly: true, spellcheck: 'false', 'data-role': `${kind}-token` });
    area.addEventListener('focus', () => area.select());
    const copy = el('button', { class: 'rpm-btn', type: 'button', 'data-role': `${kind}-copy`, text: 'Copy' });
    copy.addEventListener('click', () => copyText(area.value, copy));
    const qr = el('img', { class: 'rpm-qr', alt: 'QR code of the token', 'data-role': `${kind}-qr`, hidden: true });
    qr.addEventListener('error', () => {
      qr.hidden = true;
    });
    const countdown = el('span', { class: 'rpm-countdown', 'data-role': `${kind}-countdown` });
    const root = el(
      'div',
      { class: 'rpm-token-wrap' },
      qr,
      el('div', { class: 'rpm-token-side' }, area, el('div', { class: 'rpm-row' }, copy, countdown))
    );
    return { root, area, qr, countdown, token: null };
  }

  function setToken(block, pending) {
    const token = pending ? pending.token : null;
    if (block.token === token) return;
    block.token = token;
    block.area.value = token || '';
    block.qr.dataset.token = token || '';
    if (!token) {
      block.qr.removeAttribute('src');
      block.qr.hidden = true;
      return;
    }
    loadQr(block.qr, token);
  }

  function updateCountdown(block, pending, at) {
    if (!pending || pending.expiresAt === null) {
      block.countdown.textContent = '';
      return;
    }
    const left = pending.expiresAt - at;
    block.countdown.textContent = left > 0 ? `expires in ${formatLeft(left)}` : 'expired';
    block.countdown.classList.toggle('rpm-soon', left < 60);
  }

  return { tokenBlock, setToken, updateCountdown };
}
