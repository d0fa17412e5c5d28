/**
 * Layout checks run inside the page (issue 12): what a person would see as broken at a small
 * window or a large zoom. Each returns sentences naming the element, empty when all is well.
 */
import type { Page } from '@playwright/test'

export interface LayoutStep {
  name: string
  /** Layout width in CSS pixels: a 1520-px window at zoom z has 1520 / z of them. */
  width: number
  height: number
}

/** A 1520 × 950 window at the zoom steps people use, and the narrowest window (500 px). */
export const STEPS: LayoutStep[] = [
  { name: '500px', width: 500, height: 700 },
  { name: 'zoom-200', width: 760, height: 475 },
  { name: 'zoom-150', width: 1013, height: 633 },
  { name: 'zoom-125', width: 1216, height: 760 },
  { name: 'zoom-100', width: 1520, height: 950 },
  { name: 'zoom-50', width: 3040, height: 1900 },
]

/**
 * - a word broken across lines (a text box narrower than a word), outside ids and URLs, which are
 *   one long "word" by nature;
 * - an element sticking out of the window sideways, or out of a virtual list's row;
 * - a control (button, field, select, link) cut by a box that clips it, or whose own label is cut.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    const width = document.documentElement.clientWidth
    const name = (el: Element) => {
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)
      return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} “${text}”`
    }
    const visible = (el: Element) => {
      const box = el.getBoundingClientRect()
      if (box.width === 0 || box.height === 0) return false
      const style = getComputedStyle(el)
      return style.visibility !== 'hidden' && style.display !== 'none' && !el.closest('.visually-hidden, [inert]')
    }
    const scope = [...document.querySelectorAll('main, nav, dialog[open]')].filter(visible)

    // Words broken mid-word.
    const walker = (root: Node) => document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (const root of scope) {
      const walk = walker(root)
      for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        const parent = node.parentElement
        if (!parent || !visible(parent) || parent.closest('.mono, input, textarea, select, option, svg, [title]')) continue
        const style = getComputedStyle(parent)
        if (style.whiteSpace === 'nowrap' || style.textOverflow === 'ellipsis' || style.webkitLineClamp !== 'none') continue
        const text = node.textContent ?? ''
        const re = /\S{2,}/g
        for (let m = re.exec(text); m; m = re.exec(text)) {
          const range = document.createRange()
          range.setStart(node, m.index)
          range.setEnd(node, m.index + m[0].length)
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
          if (tops.size > 1) out.push(`the word “${m[0]}” is broken across lines in ${name(parent)}`)
        }
      }
    }

    // Sideways overflow, rows that spill, clipped controls.
    const clipper = (el: Element): Element | null => {
      for (let up = el.parentElement; up; up = up.parentElement) {
        const s = getComputedStyle(up)
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible' || s.contain.includes('strict') || s.contain.includes('paint')) return up
      }
      return null
    }
    for (const root of scope) {
      for (const el of root.querySelectorAll<HTMLElement>('*')) {
        if (!visible(el) || el.closest('svg')) continue
        const box = el.getBoundingClientRect()
        if (box.right > width + 1 || box.left < -1) {
          const clip = clipper(el)
          const clipBox = clip?.getBoundingClientRect()
          if (!clipBox || clipBox.right > width + 1 || clipBox.left < -1) out.push(`${name(el)} sticks out of the window (${Math.round(box.left)}–${Math.round(box.right)} of ${width})`)
        }
        const row = el.closest('li.row')
        if (row && row !== el) {
          const r = row.getBoundingClientRect()
          if (box.bottom > r.bottom + 1 || box.top < r.top - 1) out.push(`${name(el)} spills out of its row`)
        }
        if (el.matches('button, input:not([type=checkbox]):not([type=radio]), select, a[href], summary')) {
          const clip = clipper(el)
          if (clip) {
            const c = clip.getBoundingClientRect()
            const scrolls = (s: CSSStyleDeclaration) => s.overflowY === 'auto' || s.overflowY === 'scroll'
            // A scrolling box may hide a control below the fold (it scrolls into view); sideways it may not.
            const vertical = scrolls(getComputedStyle(clip)) ? false : box.top < c.top - 1 || box.bottom > c.bottom + 1
            if (box.left < c.left - 1 || box.right > c.right + 1 || vertical) out.push(`${name(el)} is clipped by ${name(clip)}`)
          }
          if (el.matches('button') && el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} cuts its own label`)
        }
      }
    }
    for (const el of document.querySelectorAll<HTMLElement>('main, .panel, .modal-body, nav')) {
      if (visible(el) && el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} scrolls sideways`)
    }
    return [...new Set(out)]
  })
}
