import { createKauditApp } from '../app.ts';

createKauditApp().app.synth();
