import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { applyRememberedTheme } from './stores/settings'
import './styles.css'

applyRememberedTheme()

if (window.latchkey) {
  createApp(App).use(createPinia()).mount('#app')
} else {
  // Opened outside the app (or the preload failed): say so instead of showing a blank window.
  const message = document.createElement('p')
  message.className = 'no-bridge'
  message.textContent = 'This window lost its connection to Latchkey. Quit Latchkey and open it again.'
  document.getElementById('app')?.append(message)
}
