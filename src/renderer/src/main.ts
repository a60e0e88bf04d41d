import { mount } from 'svelte'
import App from './App.svelte'
import { startLanguage } from './lib/i18n.svelte'
import './app.css'

// The language is known before anything is drawn, so no view flashes in the other one.
await startLanguage()
mount(App, { target: document.getElementById('app')! })
