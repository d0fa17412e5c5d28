/**
 * The whole window (App.vue) mounted on a fake bridge, for component tests under happy-dom.
 * `cleanWindowBetweenTests()` in a test file empties the page before each test and unmounts the
 * window after it.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach } from 'vitest'
import App from './App.vue'
import { useBridge } from './api'
import type { FakeBridge } from './fake-bridge.test-kit'

let mounted: VueWrapper | undefined

export async function mountWindow(fake: FakeBridge): Promise<VueWrapper> {
  useBridge(fake.bridge)
  setActivePinia(createPinia())
  mounted = mount(App, { attachTo: document.body })
  await flushPromises()
  return mounted
}

export function cleanWindowBetweenTests(): void {
  beforeEach(() => {
    document.body.innerHTML = ''
  })
  afterEach(() => {
    mounted?.unmount()
    mounted = undefined
  })
}
