/* notify.js: placeholder */
