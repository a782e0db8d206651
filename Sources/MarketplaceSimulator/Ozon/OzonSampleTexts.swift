/// The Russian and English texts seeded data is made of: what real buyers and sellers write.
enum OzonSampleTexts {
    static let products: [OzonProduct] = [
        OzonProduct(sku: 148_591_503, name: "Футболка хлопковая оверсайз"),
        OzonProduct(sku: 209_384_771, name: "Wireless earbuds Pro 3"),
        OzonProduct(sku: 311_820_044, name: "Термокружка 450 мл"),
        OzonProduct(sku: 402_193_358, name: "Yoga mat, 6 mm"),
        OzonProduct(sku: 518_004_219, name: "Набор кухонных ножей, 5 предметов"),
        OzonProduct(sku: 623_771_905, name: "USB-C charger 65W"),
        OzonProduct(sku: 700_915_236, name: "Детский рюкзак «Космос»"),
        OzonProduct(sku: 845_002_117, name: "Ceramic teapot 1.2 L"),
    ]

    static let positiveReviews = [
        "Отличный товар, полностью соответствует описанию. Доставка быстрая.",
        "Great quality for the price, would buy again.",
        "Качество на высоте, размер подошёл идеально.",
        "Arrived well packed and works exactly as described.",
        "Ношу уже месяц — всё отлично, ткань не скатывается.",
        "Брала в подарок, очень понравилось. Спасибо продавцу!",
    ]

    static let neutralReviews = [
        "Нормально, но цвет немного отличается от фото.",
        "Decent product, the instructions could be clearer.",
        "В целом хорошо, но упаковка была помята.",
        "Does the job. Nothing special, nothing bad.",
    ]

    static let negativeReviews = [
        "Пришёл с дефектом, шов разошёлся после первой стирки.",
        "Stopped working after two weeks, very disappointed.",
        "Размер маломерит, пришлось оформить возврат.",
        "The lid leaks, coffee ends up in my bag.",
    ]

    static let reviewComments = [
        "Спасибо за отзыв! Рады, что товар понравился.",
        "Thank you for your feedback, we are glad you liked it!",
        "Сожалеем о проблеме. Напишите нам в чат — заменим товар.",
        "Sorry to hear that. Please contact us in the chat and we will replace it.",
    ]

    static let questions = [
        "Подскажите, есть ли этот товар в синем цвете?",
        "Is this compatible with the 2024 model?",
        "Какой срок гарантии?",
        "Does it come with a charger?",
        "Можно ли стирать в машинке при 40 градусах?",
        "What are the exact dimensions of the box?",
        "Будет ли поступление размера XL?",
        "Is the material safe for children?",
    ]

    static let answers = [
        "Здравствуйте! Да, в синем цвете товар появится на следующей неделе.",
        "Hello! Yes, it is fully compatible.",
        "Гарантия производителя — 12 месяцев.",
        "Yes, the charger is included in the box.",
    ]

    static let authorNames = ["Анна", "Дмитрий", "Екатерина", "Sergey", "Olga", "Иван", "Maria", "Алексей", "John", "Наталья"]

    static let buyerMessages = [
        "Здравствуйте! Когда будет отправлен мой заказ?",
        "Hello, I received the wrong size, how can I exchange it?",
        "Подскажите, можно изменить адрес доставки?",
        "The package arrived damaged, what should I do?",
        "Добрый день, товар есть в наличии?",
        "Спасибо, всё получил!",
        "Can you send it with a gift wrap?",
        "Подскажите, подойдёт ли чехол к модели 2023 года?",
    ]

    static let sellerMessages = [
        "Здравствуйте! Заказ будет передан в доставку сегодня.",
        "Hello! Please open a return request in your orders, we will approve it quickly.",
        "Добрый день! Да, товар в наличии на складе.",
        "Sorry about that — please attach a photo and we will send a replacement.",
        "Спасибо за покупку! Будем рады отзыву.",
    ]

    static let notifications = [
        "Ваш API-ключ истекает через 14 дней. Продлите его в личном кабинете.",
        "Новые правила работы с отзывами вступают в силу с 1 числа.",
    ]
}
